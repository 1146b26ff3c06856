import { Controller, Get, UseGuards } from '@nestjs/common';
import { API_VERSION, LANGUAGE_CODES, RECIPES } from '@xreason/contracts';
import { OPERATOR_VERSION } from '../version.js';
import { ApiTokenGuard } from './api-token.guard.js';

/** What this operator serves: the CLI checks it before talking to the API. */
@Controller('api/v1')
@UseGuards(ApiTokenGuard)
export class InfoController {
  @Get('info')
  info() {
    return { operatorVersion: OPERATOR_VERSION, apiVersion: API_VERSION, recipes: RECIPES, languages: LANGUAGE_CODES };
  }
}
